/**
 * A loopback SMTP sink for the send benchmark, meant to run in its own
 * process so that receiving does not compete with the sender's event loop.
 *
 * stdout: one JSON line `{"port":N}` once listening, then one
 * `{"count","bytes","firstAt","lastAt"}` line for every `count` or `reset`
 * line read on stdin (`reset` zeroes the counters first). `quit` (or stdin closing) stops it.
 * Every message is accepted; bodies are read and discarded.
 */
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

let count = 0;
let bytes = 0;
/** Epoch ms of the first and last message accepted since the last reset. */
let firstAt = 0;
let lastAt = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.on('end', () => {
      lastAt = Date.now();
      if (count === 0) firstAt = lastAt;
      count++;
      callback(null);
    });
  },
});

const reply = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
const quit = () => server.close(() => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  reply({ port: (server.server.address() as AddressInfo).port });
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'reset') count = bytes = firstAt = lastAt = 0;
  if (command === 'count' || command === 'reset') reply({ count, bytes, firstAt, lastAt });
  else if (command === 'quit') quit();
});
lines.on('close', quit);
