import { AppError } from '../../../shared/errors';
import type { KeyVault } from '../../core/ports/key-vault';

/**
 * The vault of the headless station and the CLI: plain Node reaches no OS keystore (Electron's
 * `safeStorage` exists only inside the desktop app), and Fieldline will not store a key in plain text
 * instead, so every call is refused with the reason and what to do.
 */
export class UnavailableKeyVault implements KeyVault {
  readonly description = 'no OS keystore (plain Node)';

  seal(): Promise<Uint8Array> {
    return Promise.reject(refusal('seal'));
  }

  open(): Promise<Uint8Array> {
    return Promise.reject(refusal('open'));
  }
}

function refusal(operation: string): AppError {
  return new AppError(
    'KEY_VAULT_UNAVAILABLE',
    `cannot ${operation} a secret: the headless station and the CLI run in plain Node, where no OS keystore is reachable (Electron's safeStorage exists only in the desktop app), and Fieldline does not store keys in plain text. Keep the offline CA key in a PKCS#11 token, or use the desktop app.`,
  );
}
