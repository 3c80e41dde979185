import { createTransport } from 'nodemailer';
import type { OutgoingMessage } from '../domain.ts';

/** nodemailer's mail options for a message (shared by both transports). */
export function toMailOptions(message: OutgoingMessage) {
  if (message.raw !== undefined) {
    return { envelope: { from: message.from.address, to: [message.to.address] }, raw: message.raw, messageId: message.messageId };
  }
  return {
    // As config parsed them, not re-read by nodemailer's lenient address parser.
    from: message.from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    date: message.date,
    headers: message.headers,
  };
}

let composer: ReturnType<typeof createTransport> | undefined;

/** The message's bytes as a transport writes them: its own raw bytes, else composed by nodemailer. */
export async function messageBytes(message: OutgoingMessage): Promise<Buffer> {
  if (message.raw !== undefined) return message.raw;
  composer ??= createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return (await composer.sendMail(toMailOptions(message))).message as Buffer;
}
