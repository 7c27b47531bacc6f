// The browser tests (browser-tests/*.test.ts): playwright-core driving Debian's Chromium
// headless against a running shop. `tests/e2e/test_browser.py` runs them with the shop's URL
// and users in the environment (see browser-tests/shop.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["browser-tests/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    reporters: ["verbose"],
  },
});
