/**
 * Which item of a list is on screen when the URL names one by id: the named item, or the first when the URL names
 * none or one no longer in the list. `neighbour(step)` is the item `step` away (J/K), `afterCurrent` the one to show
 * once the current item leaves the list (the next, else the previous).
 */
export function itemCursor<T extends { id: string }>(list: readonly T[], selectedId: string | undefined) {
  const found = list.findIndex((item) => item.id === selectedId);
  const index = found === -1 ? 0 : found;
  return {
    index,
    current: list[index],
    neighbour: (step: 1 | -1) => list[index + step],
    afterCurrent: () => list[index + 1] ?? list[index - 1],
  };
}
