import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type JWK } from "oidc-provider";

/** What the identity provider says about one of its accounts; its subject is the map key. */
export type TestAccount = { email?: string; email_verified?: boolean | string; name?: string };

export type TestClient = { clientId: string; clientSecret: string; redirectUri: string };

function signingKey(): JWK {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: "test-signing-key", alg: "RS256", use: "sig" };
}

/**
 * A real OpenID Connect provider (oidc-provider) on a loopback port. Its login and consent interaction needs no
 * person: it signs in as `nextLogin` and grants whatever scopes the client asked for.
 */
export class TestIdentityProvider {
  readonly accounts = new Map<string, TestAccount>();
  /** The subject the next login interaction signs in as. */
  nextLogin = "";
  private provider: Provider | undefined;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  static async start(client: TestClient): Promise<TestIdentityProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const idp = new TestIdentityProvider(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    idp.provider = new Provider(idp.issuer, idp.configuration(client));
    server.on("request", (req, res) => void idp.handle(req, res));
    return idp;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private configuration(client: TestClient): Configuration {
    return {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      findAccount: (_ctx, sub) => {
        const account = this.accounts.get(sub);
        return account ? { accountId: sub, claims: () => ({ sub, ...account }) } : undefined;
      },
      features: { devInteractions: { enabled: false } },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      jwks: { keys: [signingKey()] },
      cookies: { keys: [randomBytes(16).toString("hex")] },
    };
  }

  private get oidc(): Provider {
    if (!this.provider) throw new Error("The identity provider has not started");
    return this.provider;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    if (req.url?.startsWith("/interaction/")) return this.interact(req, res);
    return this.oidc.callback()(req, res);
  }

  /** Logs in as `nextLogin`, then consents to the requested scopes. */
  private async interact(req: IncomingMessage, res: ServerResponse) {
    const details = await this.oidc.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      return this.oidc.interactionFinished(req, res, { login: { accountId: this.nextLogin } });
    }
    const grant = new this.oidc.Grant({
      accountId: details.session?.accountId,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return this.oidc.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
}
