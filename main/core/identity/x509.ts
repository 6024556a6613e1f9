// @peculiar/x509 resolves its ASN.1 helpers through tsyringe, which needs the Reflect metadata polyfill
// loaded first; this module is the identity core's only door to the library.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 signs and verifies through WebCrypto; Node's implementation is the provider.
x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
