import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageFetch, checkImages, imageCheckHtml } from './image-check.ts';
import { LinkCache } from './link-check.ts';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A valid 8-bit RGB PNG; `noisy` fills it with random pixels, which do not compress (a heavy file). */
function png(width: number, height: number, noisy = false): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // depth 8, truecolour, deflate, no filter method, no interlace
  const row = (): Buffer => Buffer.concat([Buffer.from([0]), noisy ? randomBytes(width * 3) : Buffer.alloc(width * 3, 0xcc)]);
  const pixels = Buffer.concat(Array.from({ length: height }, row));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(pixels)), pngChunk('IEND', Buffer.alloc(0))]);
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/**
 * A valid baseline greyscale JPEG (ITU T.81) of one flat grey: every 8×8
 * block is "DC difference 0, end of block", two bits with one-code Huffman
 * tables, so the scan is a run of zero bits padded with ones.
 */
function jpeg(width: number, height: number): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const scan = new Array<number>(Math.ceil((blocks * 2) / 8)).fill(0);
  const usedBits = (blocks * 2) % 8;
  if (usedBits !== 0) scan[scan.length - 1] = 0xff >> usedBits;
  const oneCodeTable = (classAndId: number) => segment(0xc4, [classAndId, 1, ...new Array(15).fill(0), 0x00]);
  return Buffer.from([
    0xff,
    0xd8, // start of image
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]), // quantisation table 0
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]), // baseline frame, one component
    ...oneCodeTable(0x00), // DC table 0: category 0
    ...oneCodeTable(0x10), // AC table 0: end of block
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // scan of component 1
    ...scan,
    0xff,
    0xd9, // end of image
  ]);
}

const files: Record<string, { type: string; body: Buffer }> = {
  '/wide.png': { type: 'image/png', body: png(1200, 600) },
  '/small.png': { type: 'image/png', body: png(300, 150) },
  '/photo.jpg': { type: 'image/jpeg', body: jpeg(640, 480) },
  '/heavy.png': { type: 'image/png', body: png(300, 300, true) },
  '/page': { type: 'text/html', body: Buffer.from('<p>Please log in</p>') },
};

let server: Server;
let base: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('checkImages', () => {
  it('reads the size of a real PNG and JPEG from their bytes', async () => {
    const [png, jpg] = await checkImages(
      `<img src="${base}/wide.png" width="600" height="300" alt="Chart"><img src="${base}/photo.jpg" width="320" height="240" alt="Photo">`,
    );
    expect(png).toMatchObject({ status: 200, state: 'ok', intrinsic: { width: 1200, height: 600, type: 'png' }, declared: { width: 600, height: 300 } });
    expect(png!.bytes).toBe(files['/wide.png']!.body.length);
    expect(jpg).toMatchObject({ state: 'ok', intrinsic: { width: 640, height: 480, type: 'jpg' }, bytes: files['/photo.jpg']!.body.length });
    // http on loopback: the only warning is the scheme
    expect(png!.warnings).toEqual(['not https: some clients block or flag pictures loaded over plain http or inline']);
  });

  it('warns when the file is narrower than the width it is shown at', async () => {
    const [image] = await checkImages(`<img src="${base}/small.png" width="600" alt="Chart">`);
    expect(image!.warnings).toContain('blurry: the file is 300 px wide, shown 600 px wide');
  });

  it('warns about a file over 200 KB', async () => {
    const [image] = await checkImages(`<img src="${base}/heavy.png" width="300" alt="Noise">`);
    expect(image!.bytes).toBeGreaterThan(200 * 1024);
    expect(image!.warnings.some((w) => w.startsWith('heavy: 26'))).toBe(true);
  });

  it('reports a 404 as broken', async () => {
    const [image] = await checkImages(`<img src="${base}/missing.png" width="600" alt="Gone">`);
    expect(image).toMatchObject({ status: 404, state: 'broken', bytes: null, intrinsic: null });
    expect(image!.warnings).toContain('not reachable: the server answered 404');
  });

  it('says so when the address answers with something that is not a picture', async () => {
    const [image] = await checkImages(`<img src="${base}/page" width="600" alt="Login wall">`);
    expect(image).toMatchObject({ state: 'ok', intrinsic: null, detail: 'not a picture this check can read (text/html)' });
  });

  it('tells a missing alt (a problem) from alt="" (decorative)', async () => {
    const [missing, decorative, described] = await checkImages(
      `<img src="${base}/wide.png" width="600"><img src="${base}/wide.png" width="600" alt=""><img src="${base}/wide.png" width="600" alt=" Chart ">`,
    );
    expect(missing!.alt).toEqual({ kind: 'missing', text: '' });
    expect(missing!.warnings[0]).toMatch(/^no alt attribute/);
    expect(decorative!.alt).toEqual({ kind: 'decorative', text: '' });
    expect(decorative!.warnings.some((w) => w.includes('alt'))).toBe(false);
    expect(described!.alt).toEqual({ kind: 'text', text: 'Chart' });
  });

  it('warns about a picture without a pixel width, and does not fetch what is not http(s)', async () => {
    const [image] = await checkImages('<img src="cid:logo@example" width="100%" alt="Logo">');
    expect(image).toMatchObject({ state: 'unknown', status: null, detail: 'not an http(s) address: not fetched', declared: { width: null, height: null } });
    expect(image!.warnings).toContain("no width attribute in pixels: Outlook for Windows shows the picture at the file's full width");
  });

  it('fetches each address once, and not again while cached', async () => {
    const cache = new LinkCache<ImageFetch>();
    const html = `<img src="${base}/wide.png" width="600" alt="a"><img src="${base}/wide.png" width="300" alt="b">`;
    requests = 0;
    const first = await checkImages(html, { cache });
    const second = await checkImages(html, { cache });
    expect(requests).toBe(1);
    expect(second).toEqual(first);
  });
});

describe('imageCheckHtml', () => {
  it('escapes the address and alt text and lists the warnings', async () => {
    const reports = await checkImages(`<img src="${base}/small.png?a=<b>" width="600" alt="<script>x</script>">`);
    const html = imageCheckHtml(reports);
    expect(html).toContain('1 picture, 1 with warnings.');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('/small.png?a=&lt;b&gt;');
  });
});
