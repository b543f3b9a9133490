import { describe, expect, it } from "vitest";
import { itemCursor } from "@/lib/item-cursor";

const list = [{ id: "a" }, { id: "b" }, { id: "c" }];

describe("itemCursor", () => {
  it("shows the item the URL names, with its neighbours and the one to show after it", () => {
    const cursor = itemCursor(list, "b");
    expect([cursor.index, cursor.current?.id, cursor.neighbour(1)?.id, cursor.neighbour(-1)?.id]).toEqual([
      1,
      "b",
      "c",
      "a",
    ]);
    expect(cursor.afterCurrent()?.id).toBe("c");
  });

  it("falls back to the first item when the URL names none or one that left the list", () => {
    expect(itemCursor(list, undefined).current?.id).toBe("a");
    expect(itemCursor(list, "gone").current?.id).toBe("a");
  });

  it("after the last item shows the previous one, and nothing once the list is empty", () => {
    expect(itemCursor(list, "c").afterCurrent()?.id).toBe("b");
    expect(itemCursor(list, "c").neighbour(1)).toBeUndefined();
    expect(itemCursor([], "a").current).toBeUndefined();
    expect(itemCursor([], "a").afterCurrent()).toBeUndefined();
  });
});
