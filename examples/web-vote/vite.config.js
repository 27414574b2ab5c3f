import { defineConfig } from 'vite';

export default defineConfig({
  // The SDK is linked from ../../sdk: take polkadot-js from this app's node_modules only, so the
  // page carries one copy of each package.
  resolve: { dedupe: ['@polkadot/api', '@polkadot/keyring', '@polkadot/util', '@polkadot/util-crypto', '@polkadot/types'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
