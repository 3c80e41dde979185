import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createTransport } from 'nodemailer';
import type { Transport } from './transport.ts';
import { toMailOptions } from './transport.ts';

/**
 * Writes each message as an .eml file (RFC 5322, openable by any mail client)
 * under `dir`. The file is written to a temporary name and renamed, so a file
 * that exists is complete: that is this transport's "250 OK".
 */
export function createOutboxTransport(dir: string): Transport {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `outbox ${dir}`,
    async send(message) {
      const bytes = message.raw !== undefined ? message.raw : ((await composer.sendMail(toMailOptions(message))).message as Buffer);
      const path = join(dir, `${message.key.replace(/[^A-Za-z0-9@._+/-]/g, '_').replace(/\.\.+/g, '.')}.eml`);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, path);
      return { response: `written ${resolve(path)}` };
    },
    async close() {},
  };
}
