// next-auth 4 does not export its core handler; the route handler wraps exactly this function.
import { AuthHandler } from "@/node_modules/next-auth/core/index.js";
import { authOptions } from "@/server/auth/options";

export const PORTAL_URL = "http://localhost:3000";

/**
 * A browser's view of the portal's next-auth routes, run in-process through next-auth's own handler (the one the
 * /api/auth route wraps): it keeps the cookies next-auth sets, as a browser would.
 */
export class NextAuthClient {
  readonly cookies = new Map<string, string>();

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async call(method: "GET" | "POST", path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), host: "localhost:3000" };
    // The browser posts a form; next-auth's handler reads the same fields from a JSON body when given a Request.
    if (form) headers["content-type"] = "application/json";
    const request = new Request(`${PORTAL_URL}/api/auth/${path}`, {
      method,
      headers,
      body: form ? JSON.stringify(form) : undefined,
    });
    const response = await AuthHandler({ req: request, options: authOptions() });
    for (const cookie of response.cookies ?? []) {
      const expired = cookie.options.maxAge === 0 || cookie.value === "";
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  async csrfToken(): Promise<string> {
    const response = await this.call("GET", "csrf");
    return (response.body as { csrfToken: string }).csrfToken;
  }

  /** The development sign-in form; returns where next-auth redirects (an ?error= URL when refused). */
  async devSignIn(email: string): Promise<string | undefined> {
    const csrfToken = await this.csrfToken();
    const response = await this.call("POST", "callback/dev", { csrfToken, email, callbackUrl: `${PORTAL_URL}/` });
    return response.redirect;
  }

  async signOut(): Promise<void> {
    const csrfToken = await this.csrfToken();
    await this.call("POST", "signout", { csrfToken, callbackUrl: `${PORTAL_URL}/signin` });
  }

  /** A request carrying this browser's cookies. */
  request(url: string, init: RequestInit = {}): Request {
    const headers = new Headers(init.headers);
    headers.set("cookie", this.cookieHeader());
    return new Request(url, { ...init, headers });
  }
}
