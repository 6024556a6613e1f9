import type { Disposable } from '../event-bus';

/** A DNS-SD service instance as resolved by mDNS (RFC 6762/6763). */
export interface MdnsService {
  /** Instance name, e.g. `fieldline-lab-1`. */
  name: string;
  /** Service type without underscores, e.g. `mcumgr`. */
  type: string;
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
  /** IPv4/IPv6 addresses from A/AAAA records; may be empty when only the host name resolved. */
  addresses: string[];
  /** The source address of the mDNS answer; used when the answer carried no A/AAAA record. */
  refererAddress: string | null;
  /** TXT key/value pairs, as received: untrusted input, checked by the consumer. */
  txt: Record<string, unknown>;
}

export interface MdnsBrowseListener {
  up(service: MdnsService): void;
  down(service: MdnsService): void;
}

/** Browses the local link for one service type (bonjour-service in main/adapters/mdns). */
export interface MdnsBrowser {
  browse(serviceType: { type: string; protocol: 'udp' | 'tcp' }, listener: MdnsBrowseListener): Disposable;
  close(): Promise<void>;
}
