import { type Role, ROLES } from "@/contracts/enums";

/** The users page's state as it appears in the URL: ?q=&role=&page= */
export type UsersListState = { search: string; role: Role | null; page: number };

export const isRole = (value: string | null): value is Role => (ROLES as readonly (string | null)[]).includes(value);

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

export function parseUsersListState(params: URLSearchParams): UsersListState {
  const role = params.get("role");
  return { search: params.get("q") ?? "", role: isRole(role) ? role : null, page: pageFrom(params.get("page")) };
}

export function serializeUsersListState(state: UsersListState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search) params.set("q", state.search);
  if (state.role) params.set("role", state.role);
  if (state.page > 1) params.set("page", String(state.page));
  return params;
}
