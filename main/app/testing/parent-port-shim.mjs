// Preloaded (`--import`) into a Node child that stands in for an Electron utility process
// (utility-process-stand-in.ts): gives it `process.parentPort` as Electron does, carried over the fork's
// IPC channel, and takes away `process.send`, `process.disconnect` and the 'disconnect' event's use,
// which a utility process does not have. Like a utility process, the child then does not end on its own:
// the IPC channel stays referenced while the port listens, so only `process.exit` ends it.
import { EventEmitter } from 'node:events';

const sendOverIpc = process.send?.bind(process);
if (sendOverIpc === undefined) throw new Error('parent-port-shim needs a forked child with an IPC channel');

const parentPort = new EventEmitter();
parentPort.postMessage = (message) => {
  sendOverIpc(message);
};
// As in Electron, messages wait until the port has a listener (the module may still be loading), and
// each arrives as a MessageEvent-like object with the value in `data`.
const waiting = [];
const deliver = (data) => parentPort.emit('message', { data, ports: [] });
process.on('message', (data) => {
  if (parentPort.listenerCount('message') > 0) deliver(data);
  else waiting.push(data);
});
parentPort.on('newListener', (event) => {
  if (event === 'message') setImmediate(() => waiting.splice(0).forEach(deliver));
});

process.parentPort = parentPort;
delete process.send;
delete process.disconnect;
