import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/config.ts';
import { type Reply, page } from './pages.ts';
import type { Route } from './subscription-routes.ts';
import { TrustedProxies } from '../config/trusted-proxies.ts';

export interface HttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

/**
 * How long a client may take to send a request's headers, and the whole
 * request with its body. Node's defaults (60 s and 300 s) let a client that
 * trickles a request, or sends half a body and goes quiet, hold a connection
 * for minutes; a reader's browser sends a form in well under a second.
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 20_000;

export interface HttpServerOptions {
  host?: string;
  port?: number;
  onError?: (error: unknown, context: string) => void;
  /** Default 10 s. A client still sending headers after this gets a 408 and is disconnected. */
  headersTimeoutMs?: number;
  /** Default 20 s: the whole request, body included (at least `headersTimeoutMs`). */
  requestTimeoutMs?: number;
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  if (req.method !== 'POST') return '';
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * RFC 8058 lets a provider send the one-click body as multipart/form-data;
 * browsers send urlencoded forms. Both become URLSearchParams.
 */
function parseForm(type: string | undefined, body: string): URLSearchParams {
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type ?? '')?.[1];
  if (!boundary) return new URLSearchParams(body);
  const form = new URLSearchParams();
  for (const part of body.split(`--${boundary}`)) {
    const match = /name="([^"]+)"\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n?$/.exec(part);
    if (match) form.append(match[1]!, match[2]!);
  }
  return form;
}

/**
 * Serves `routes` (keyed `METHOD /path`) on a real socket. Errors in a route
 * become a plain 500 page and are reported through `onError`, never a stack
 * trace to the reader. HEAD is answered by the GET route, without the body
 * (RFC 9110 §9.3.2: monitors and link checkers use it).
 */
export async function startHttpServer(config: Config, routes: Record<string, Route>, options: HttpServerOptions = {}): Promise<HttpServer> {
  // The client's address for rate limits: behind a reverse proxy, from X-Forwarded-For (TRUSTED_PROXIES).
  const proxies = new TrustedProxies(config.trustedProxies);
  const clientAddress = (req: IncomingMessage) => {
    const forwarded = req.headers['x-forwarded-for'];
    return proxies.clientOf(req.socket.remoteAddress ?? 'unknown', typeof forwarded === 'string' ? forwarded : undefined);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let reply: Reply;
    // Node leaves the body out of the answer to a HEAD request by itself.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    try {
      const url = new URL(req.url ?? '/', config.publicUrl);
      const path = url.pathname.replace(/\/+$/, '') || '/';
      // An exact route, else `METHOD /prefix/*` for the path's parent.
      const route = routes[`${method} ${path}`] ?? routes[`${method} ${path.slice(0, path.lastIndexOf('/'))}/*`];
      if (!route) {
        reply = page(config, 404, 'Not found', '<h1>Not found</h1><p>There is nothing at this address.</p>');
      } else {
        const body = await readBody(req);
        reply =
          body === null
            ? page(config, 413, 'Too large', '<h1>Request too large</h1>')
            : await route({ method, url, form: parseForm(req.headers['content-type'], body), client: clientAddress(req) });
      }
    } catch (error) {
      // A client that went away mid-request (or was cut off by requestTimeout) gets no answer and is no error of ours.
      if (req.destroyed && !req.complete) return;
      options.onError?.(error, `${req.method} ${req.url?.split('?')[0]}`);
      reply = page(config, 500, 'Something went wrong', '<h1>Something went wrong</h1><p>Please try again in a moment.</p>');
    }
    res.writeHead(reply.status, {
      'content-type': reply.type ?? 'text/html; charset=utf-8',
      // Written out, so a HEAD answer carries the same length as the GET one (Node would send GET chunked).
      'content-length': Buffer.byteLength(reply.body),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      ...reply.headers,
    });
    res.end(reply.body);
  };
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
      // Node looks for overdue requests every 30 s by default, which would let one live up to 30 s past its limit.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 4)),
    },
    (req, res) => void handle(req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.httpPort, options.host ?? config.httpHost, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
