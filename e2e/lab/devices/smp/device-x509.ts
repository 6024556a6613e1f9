// @peculiar/x509 resolves its ASN.1 helpers through tsyringe, which needs the Reflect metadata polyfill
// loaded first; this module is the lab device's only door to the library.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// The device signs through WebCrypto; Node's implementation is complete for ECDSA P-256.
x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
