/**
 * A browser's and a pipeline's view of the portal over real HTTP: the development sign-in (next-auth's form), tRPC
 * calls with the session cookie, REST calls with an API token. Every call names the base URL it goes to (a portal
 * directly, or the load balancer), and reports which portal answered (HAProxy's X-Served-By).
 */
export type Answer = { status: number; body: unknown; servedBy: string | null };

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const body: unknown = text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text;
  return { status: response.status, body, servedBy: response.headers.get("x-served-by") };
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  sessionCookie() {
    return this.cookies.get("next-auth.session-token");
  }

  private keep(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The development sign-in as the sign-in page posts it; answers where next-auth sends the browser. */
  async devSignIn(base: string, email: string) {
    const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { cookie: this.cookieHeader() } });
    this.keep(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const response = await fetch(`${base}/api/auth/callback/dev`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookieHeader(), origin: base },
      body: new URLSearchParams({ csrfToken, email, callbackUrl: `${base}/`, json: "true" }),
    });
    this.keep(response);
    return answerOf(response);
  }

  session(base: string) {
    return fetch(`${base}/api/auth/session`, { headers: { cookie: this.cookieHeader() } }).then(answerOf);
  }

  /** A tRPC query (GET, superjson input). */
  query(base: string, procedure: string, input?: unknown) {
    const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return fetch(`${base}/api/trpc/${procedure}${search}`, { headers: { cookie: this.cookieHeader() } }).then(answerOf);
  }

  /** A tRPC mutation (POST, superjson input) from the portal's own page: the origin check sees the portal's origin. */
  mutate(base: string, procedure: string, input: unknown) {
    return fetch(`${base}/api/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: this.cookieHeader(), origin: base },
      body: JSON.stringify({ json: input }),
    }).then(answerOf);
  }
}

/** The data of a tRPC answer, or an error saying what the portal answered instead. */
export function trpcData<T>(answer: Answer): T {
  const data = (answer.body as { result?: { data?: { json?: T } } }).result?.data?.json;
  if (answer.status !== 200 || data === undefined)
    throw new Error(`tRPC answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return data;
}

/** /api/v1 with a bearer token, as a training pipeline calls it. */
export function rest(base: string, token: string) {
  return async (method: "GET" | "POST", path: string, body?: { json?: unknown; bytes?: Buffer }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body?.json !== undefined) headers["content-type"] = "application/json";
    if (body?.bytes !== undefined) headers["content-type"] = "application/octet-stream";
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers,
      body: body?.bytes ? new Uint8Array(body.bytes) : body?.json === undefined ? undefined : JSON.stringify(body.json),
    });
    const answer = await answerOf(response);
    if (answer.status >= 300)
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, unknown>;
  };
}
