import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Names a process that holds leases and claims: `host:pid:random`. */
export function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * An owner that was a process on this machine and no longer exists (killed
 * with -9, say) holds nothing any more: its leases and claims need not sit
 * out their expiry. Owners on other machines cannot be checked; theirs expire.
 */
export function ownerIsDeadHere(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
