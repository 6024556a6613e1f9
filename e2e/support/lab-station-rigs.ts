import { FlashRig, type FlashRigOptions } from '../flash/flash-lab-rig';

/**
 * Lab SMP devices on ptys for the browser journeys, run in the test's own process (their cables in the
 * test's hand) and found by the lab station through FIELDLINE_SERIAL_GLOBS = `serialGlobUnder(folder)`.
 * FlashRig makes its folder in the OS temp dir, which follows TMPDIR: pointing it at the test's folder
 * keeps the station's glob to this test's devices, never another test's.
 */
export async function startSerialRigUnder(folder: string, options: Omit<FlashRigOptions, 'transport'>): Promise<FlashRig> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  try {
    return await FlashRig.start({ ...options, transport: 'serial' });
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

/** The glob that matches the app end of every rig started under `folder`. */
export function serialGlobUnder(folder: string): string {
  return `${folder}/fieldline-flash-rig-*/pty/app`;
}

/**
 * Plugs a pulled rig back in: a new socat and pty at the same path, the device still powered and
 * holding what it had received (FlashRig.unplug pulls, which is a no-op once pulled, then plugs in).
 */
export function replug(rig: FlashRig): Promise<void> {
  return rig.unplug(0);
}
