/**
 * Preloaded into React Email's CLI (`node --import`): its dev server listens
 * on every interface, and a template's preview may hold real-looking data;
 * here any server told only a port listens on 127.0.0.1.
 */
import http from 'node:http';

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
