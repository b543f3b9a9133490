import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP server for a stand-in, on a free loopback port: where it listens and how to stop it. */
export class LoopbackServer {
  private server: Server | undefined;

  constructor(private readonly listener: RequestListener) {}

  /** Starts listening; answers `127.0.0.1:<port>`. */
  async start(): Promise<string> {
    const server = createServer(this.listener);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
