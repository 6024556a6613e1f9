import type { JobProgress, JobSummary } from '../../../shared/contract';
import type { AllocationLedger } from '../config/value-allocator';
import type { SmpClient } from '../drivers/smp/smp-client';
import type { SmpEndpoint } from '../drivers/smp/smp-flasher-link';
import type { Disposable } from '../event-bus';
import type { TrustStore } from '../firmware';
import type { CertificateProfile } from '../identity/certificate-profile';
import type { StartJobRequest } from '../jobs/job-service';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { LibraryBundleLookup } from './recipe-bundle';
import type { ReadGitRevision } from './prepare-recipe';

/** An open SMP link to the device being provisioned; closed after each step (the flash job needs the port). */
export interface ProvisionDeviceLink {
  client: SmpClient;
  close(): Promise<void>;
}

/**
 * What the host gives provisioning: how to reach a device, which trust store and issuer to use, and
 * where recipes' library bundles and git revisions come from. Optional in `createCore`: without it
 * `provision:plan` and `provision:apply` fail with NOT_IMPLEMENTED.
 */
export interface ProvisionPorts {
  /** Opens an SMP link to the device (by the endpoint the host knows, or where discovery sees it). */
  openDevice(deviceId: string, signal?: AbortSignal): Promise<ProvisionDeviceLink>;
  /** Where the flash job should reach the device; undefined lets the job service ask discovery. */
  flashEndpoint?(deviceId: string): SmpEndpoint | undefined;
  /** The trust store bundles are verified against, and its file for the flash job (null: the executor's default). */
  trustStore(): { store: TrustStore; path: string | null };
  /**
   * Opens the issuer for device certificates, asked only when the plan says the certificate must change;
   * null when none is configured (apply is then refused before anything is written). Closed when the
   * operation ends (a PKCS#11 session is not held longer).
   */
  issuer(profile: CertificateProfile): Promise<OpenedCertificateIssuer | null>;
  lookupBundle?: LibraryBundleLookup;
  readGitRevision?: ReadGitRevision;
}

export interface OpenedCertificateIssuer {
  issuer: CertificateIssuer;
  close(): Promise<void>;
}

/** What the flash step needs of the job service (JobService and the core's event bus provide it). */
export interface ProvisionJobs {
  start(request: StartJobRequest): JobSummary;
  whenDone(jobId: string): Promise<JobSummary>;
  cancel(jobId: string): JobSummary;
  onProgress(listener: (progress: JobProgress[]) => void): Disposable;
}

export type ProvisionLedger = AllocationLedger;
