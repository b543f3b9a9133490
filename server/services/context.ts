import type { Actor } from "@/server/auth/actor";
import type { Db } from "@/server/db/client";

/** What every service function receives: the database to use and who is acting. */
export type ServiceContext = {
  db: Db;
  actor: Actor;
};

/** For read-only services that do not depend on who asks. */
export type ReadContext = {
  db: Db;
};
