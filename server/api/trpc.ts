import { type Permission } from "@/contracts/permissions";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, type z } from "zod";
import { actorOf } from "@/server/auth/actor";
import { currentUser, type CurrentUser } from "@/server/auth/current-user";
import { cookieJarFromRequest, userFromSessionCookie } from "@/server/auth/session-cookie";
import { assertMayChange, type Owner, type OwnerContext } from "@/server/auth/ownership";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError, asAppError, type AppErrorCode } from "@/server/errors";
import { reportInternalError } from "@/server/http/internal-error";
import { assertValidText } from "@/server/http/text-hygiene";
import { actingAs, type SystemContext } from "@/server/services/context";

/** The database and clients every procedure may use (see SystemContext), and who is signed in. */
export type TrpcContext = { system: SystemContext; user: CurrentUser | null };

/** From the HTTP request's cookies (the route handler), or from next/headers (server components). */
export async function createTrpcContext(options?: { req: Request }): Promise<TrpcContext> {
  const user = options ? await userFromSessionCookie(cookieJarFromRequest(options.req)) : await currentUser();
  return { system: systemContextFromEnv(), user };
}

const TRPC_CODES = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNPROCESSABLE: "UNPROCESSABLE_CONTENT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const satisfies Record<AppErrorCode, TRPCError["code"]>;

/** An unexpected failure answers with a request id (logged with the error), never the error's own text or stack. */
function internalErrorShape<S extends { message: string; data: { stack?: string } }>(
  shape: S,
  error: unknown,
  path: string | undefined,
) {
  const internal = reportInternalError(error, `tRPC ${path ?? "?"}`);
  const { stack: _stack, ...data } = shape.data;
  return {
    ...shape,
    message: internal.message,
    data: { ...data, zodIssues: null, appErrorCode: internal.code, requestId: internal.requestId },
  };
}

/**
 * What a procedure declares about who may call it: the permission it needs and whether it changes something a team
 * owns (checked by `ownedProcedure`). The authorization matrix test reads it from the router.
 */
export type ProcedureMeta = { permission?: Permission; owned?: boolean };

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error, path }) {
      const cause = error.cause;
      if (error.code === "INTERNAL_SERVER_ERROR") return internalErrorShape(shape, cause ?? error, path);
      // No stack traces to the browser, even in development.
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        data: {
          ...data,
          zodIssues:
            cause instanceof ZodError
              ? cause.issues.map((i) => ({ path: i.path.join("."), message: i.message }))
              : null,
          appErrorCode: cause instanceof AppError ? cause.code : null,
          requestId: null as string | null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps AppError (and Prisma errors the caller's input caused) to TRPCError once, for every procedure. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? null : asAppError(result.error.cause);
  if (cause) throw new TRPCError({ code: TRPC_CODES[cause.code], message: cause.message, cause });
  return result;
});

/** Every text in every input is checked once for NUL and lone surrogates (BAD_REQUEST, details INVALID_TEXT). */
const validText = t.middleware(async ({ getRawInput, next }) => {
  assertValidText(await getRawInput(), "input");
  return next();
});

export const publicProcedure = t.procedure.use(appErrors).use(validText);

/** Signed in; gives procedures a ServiceContext for the current person. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  const actor = actorOf(ctx.user);
  const service = actingAs(ctx.system, actor);
  return next({ ctx: { ...ctx, user: ctx.user, actor, service } });
});

/** Role-checking procedure factory: the only place tRPC decides who may do what. */
export function procedureWith(permission: Permission) {
  return authedProcedure.meta({ permission }).use(({ ctx, next }) => {
    if (!can(ctx.user.role, permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${ctx.user.role}) may not do this` });
    }
    return next();
  });
}

export const readProcedure = procedureWith("read");

/**
 * A mutation of something a team owns: the role check of `procedureWith`, then the ownership check
 * (server/auth/ownership.ts) on the owner `resolveOwner` finds from the validated input, before the procedure's
 * service call writes anything.
 */
export function ownedProcedure<S extends z.ZodType>(
  permission: Permission,
  input: S,
  resolveOwner: (ctx: OwnerContext, input: z.output<S>) => Promise<Owner>,
) {
  return procedureWith(permission)
    .meta({ owned: true })
    .input(input)
    .use(async ({ ctx, input: parsed, next }) => {
      assertMayChange(ctx.actor, await resolveOwner(ctx.service, parsed as z.output<S>));
      return next();
    });
}
