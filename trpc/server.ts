import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { appRouter } from "@/server/api/root";
import { createCallerFactory, createTrpcContext } from "@/server/api/trpc";

/** The same context an HTTP request gets, built once per request however many reads a page makes. */
const createContext = cache(() => createTrpcContext());

/** Server components read through this caller, so every read passes the procedures' permission checks. */
export const api = createCallerFactory(appRouter)(createContext);

/**
 * Runs a page's read and answers the way the page would: 404 when the thing is missing (or its reference
 * is not even well formed), the sign-in page when nobody is signed in. Every other error propagates.
 */
export async function readForPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST") notFound();
    if (error.code === "UNAUTHORIZED") redirect("/signin");
    throw error;
  }
}
