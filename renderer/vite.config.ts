import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const rendererDir = fileURLToPath(new URL('.', import.meta.url));

// Development only: `FIELDLINE_STATION_URL=http://127.0.0.1:PORT npm run dev:renderer` forwards the
// bridge's WebSocket to a running station, so the dev server page behaves like the station's own.
const stationUrl = process.env.FIELDLINE_STATION_URL;

export default defineConfig({
  root: rendererDir,
  // Relative asset URLs: the same build loads from file:// in Electron and from the station over http.
  base: './',
  plugins: [react()],
  // One chunk of ~0.5 MB (Mantine, zod for the contract) loads from disk or the local network, where
  // splitting would buy little; the limit keeps the warning for real growth.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server:
    stationUrl === undefined
      ? {}
      : {
          // The station accepts a socket only from its own Origin and Host, so the proxy presents both.
          proxy: {
            '/ws': {
              target: stationUrl,
              ws: true,
              changeOrigin: true,
              headers: { origin: new URL(stationUrl).origin },
            },
          },
        },
});
