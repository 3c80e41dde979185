/**
 * React Email's own tools over our templates, showing each as the compiled
 * email (the sender's compile, not raw MJML):
 *
 *   npm run email:dev                     # `email dev` on 127.0.0.1:3001 (--port N)
 *   npm run email:export                  # `email export`: out/*.html, compiled (--outDir DIR)
 *
 * Starts a compile server on a loopback port (the templates loaded afresh
 * after every change under emails/, as the editors' preview does), then runs
 * React Email's CLI (react-email, pinned) over react-email/, whose templates
 * fetch their compiled HTML from it.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FreshModule } from '../src/preview/load-fresh.ts';
import type * as RenderPreview from '../src/preview/render-preview.ts';

const root = join(import.meta.dirname, '..');
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string', default: '3001' }, outDir: { type: 'string', default: 'out' } },
});
const command = positionals[0] ?? 'dev';

const renderer = new FreshModule<typeof RenderPreview>(join(root, 'src/preview/render-preview.ts'), root);
let debounce: NodeJS.Timeout | undefined;
const watcher = watch(join(root, 'emails'), { recursive: true }, () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => renderer.invalidate(), 40);
});

/** POST /compile/NAME with the props as JSON → the compiled HTML (500: the error, in one line). */
const server = createServer(async (req, res) => {
  const name = /^\/compile\/([\w-]+)$/.exec(req.url ?? '')?.[1];
  if (req.method !== 'POST' || !name) return void res.writeHead(404).end();
  let body = '';
  for await (const chunk of req) body += chunk;
  try {
    const html = await (await renderer.get()).compileTemplate(name, JSON.parse(body || '{}') as object);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end((error as Error).message);
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const compileUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const cli = join(root, 'node_modules/react-email/dist/cli/index.mjs');
const args =
  command === 'export' ? ['export', '--dir', 'react-email', '--outDir', values.outDir, '--silent'] : ['dev', '--dir', 'react-email', '--port', values.port];
const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'scripts/loopback-only.mjs')).href, cli, ...args], {
  cwd: root,
  stdio: 'inherit',
  // Nothing leaves the machine: Next.js (under React Email's UI) would report telemetry.
  env: { ...process.env, DIGEST_COMPILE_URL: compileUrl, NEXT_TELEMETRY_DISABLED: '1' },
});
// React Email's CLI (Next.js under it) may outlive a SIGTERM: a stop it ignores for 2 s is a SIGKILL.
const stop = () => {
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 2000).unref();
};
process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
child.on('exit', (code) => {
  watcher.close();
  server.close();
  process.exit(code ?? 1);
});
