/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` against a running `make up`: SHOP_WEB_DEV_API is the gateway (or one API) that
// /api/... is forwarded to, so the dev server's pages and the APIs share its origin.
const devApi = process.env.SHOP_WEB_DEV_API;

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: true, emptyOutDir: true },
  server: devApi ? { proxy: { "/api": devApi, "/config.json": devApi } } : {},
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
