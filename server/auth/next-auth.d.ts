import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user?: { id?: string; name?: string | null; email?: string | null; image?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** The portal user's id. */
    uid?: string;
    /** The UserSession row this cookie stands for; checked on every request. */
    sid?: string;
  }
}
