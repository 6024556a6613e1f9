// Lab devices for the flash benchmarks, in a process of their own so that the station (or the client)
// and the simulated devices do not share a thread, as they do not share a machine in the field.
// argv[2]: JSON `{ count, rig: FlashRigOptions }`. Prints one JSON line
// `{ ready, devices: [{ endpoint, hardwareId }] }`, then runs until SIGTERM.
import { FlashRig, type FlashRigOptions } from '../e2e/flash/flash-lab-rig';

const { count, rig } = JSON.parse(process.argv[2] ?? '{}') as { count: number; rig: FlashRigOptions };
const rigs: FlashRig[] = [];
for (let index = 0; index < count; index += 1) {
  const config = { ...rig.config, serialNumber: `FL-BENCH-${String(index).padStart(2, '0')}` };
  rigs.push(await FlashRig.start({ ...rig, config }));
}
console.log(
  JSON.stringify({
    ready: true,
    devices: rigs.map((each) => ({ endpoint: each.endpoint, hardwareId: each.hardwareId })),
  }),
);
process.once('SIGTERM', () => {
  void Promise.all(rigs.map((each) => each.stop())).then(() => process.exit(0));
});
