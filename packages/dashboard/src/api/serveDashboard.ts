import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakwaterConfigError } from '@breakwater/core';
import { expectInteger, expectObject, expectString } from '@breakwater/core/adapter';
import { dashboardHandler } from './dashboardHandler.ts';
import type { DashboardOptions } from './resolveDashboardOptions.ts';

/** Options of {@link serveDashboard}: the handler's, and where to listen. */
export interface ServeDashboardOptions extends Omit<DashboardOptions, 'basePath'> {
  /**
   * The port; `0` picks a free one (read it from `url`).
   * @defaultValue `9464`
   */
  port?: number;
  /**
   * The address to listen on. Anything but loopback exposes the dashboard to the network: put
   * it behind TLS and your own authentication first.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
}

/** A running dashboard server. */
export interface DashboardServer extends AsyncDisposable {
  /** Where it listens, such as `http://127.0.0.1:9464/`. */
  readonly url: string;
  readonly server: Server;
  /** Ends the event streams and closes the server. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves the dashboard on its own `node:http` server, on `127.0.0.1` unless told otherwise. On
 * a loopback address it answers only requests naming a loopback host (`allowedHosts`), so a web
 * page cannot read it through DNS rebinding.
 * The server's sockets do not keep the process alive once `close()` is called; open event
 * streams are ended by it.
 * @throws BreakwaterConfigError (as a rejection) when an option is invalid; rejects with the
 * server's error (`EADDRINUSE`) when the port is taken
 * @example
 * ```ts
 * const dashboard = await serveDashboard({ registry, monitor, token: process.env.DASHBOARD_TOKEN });
 * console.log(`dashboard at ${dashboard.url}`);
 * ```
 */
export async function serveDashboard(
  options: ServeDashboardOptions = {},
): Promise<DashboardServer> {
  expectObject('options', options as unknown);
  const { port = 9464, host = '127.0.0.1', ...rest } = options;
  expectInteger('port', port, 0, 65_535);
  expectString('host', host);
  if ('basePath' in rest) {
    throw new BreakwaterConfigError(
      'basePath',
      'no basePath: serveDashboard serves at /',
      undefined,
    );
  }
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  const handler = dashboardHandler(
    loopback && rest.allowedHosts === undefined
      ? { ...rest, allowedHosts: ['127.0.0.1', 'localhost', '[::1]'] }
      : rest,
  );
  const server = createServer(handler);
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    handler.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      handler.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url: `http://${shownHost}:${address.port}/`,
    server,
    close,
    [Symbol.asyncDispose]: close,
  };
}
