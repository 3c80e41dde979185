import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Transport } from '../domain.ts';
import { messageBytes } from './mail-options.ts';

/**
 * Writes each message as an .eml file (RFC 5322, openable by any mail client)
 * under `dir`. The file is written to a temporary name and renamed, so a file
 * that exists is complete: that is this transport's "250 OK".
 */
export function createOutboxTransport(dir: string): Transport {
  return {
    description: `outbox ${dir}`,
    async send(message) {
      const bytes = await messageBytes(message);
      const path = join(dir, `${message.key.replace(/[^A-Za-z0-9@._+/-]/g, '_').replace(/\.\.+/g, '.')}.eml`);
      await mkdir(dirname(path), { recursive: true });
      // Unique per send: two sends of one key at once (a retry beside its first attempt) must not
      // share a temporary file, or the second rename finds it gone (ENOENT) and a copy is lost.
      const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, bytes);
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { response: `written ${resolve(path)}` };
    },
    async close() {},
  };
}
