import pg from "pg";
import { closeQueues } from "@/server/jobs/define-job";

/** A test file's teardown: closes its queues and database client, then drops its database. */
export async function closeAndDropTestDatabase(adminUrl: string, name: string) {
  await closeQueues();
  const globalDb = (globalThis as { modelportDb?: { $disconnect(): Promise<void> } }).modelportDb;
  await globalDb?.$disconnect();
  const dropper = new pg.Client({ connectionString: adminUrl });
  await dropper.connect();
  await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await dropper.end();
}
