import { expect, it } from "vitest";

import { admin, logIn, onNewPage, search, useBrowser } from "./shop";

const browser = useBrowser();

it("an admin creates a product and changes its price, and the storefront shows the new price", async () => {
  const name = `Browser vase ${Math.random().toString(36).slice(2, 8)}`;
  await onNewPage(browser(), "admin-price", async (page, shots) => {
    await logIn(page, admin(), shots);
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByTestId("admin-product-row").first().waitFor();
    await shots.take(page, "admin-products");

    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.locator("form.panel").getByLabel("Category").selectOption({ index: 1 });
    await page.getByLabel("Price", { exact: true }).fill("30.00");
    await page.getByLabel("Initial stock").fill("12");
    await page.getByRole("button", { name: "Create" }).click();

    await search(page, name);
    await page.getByTestId("admin-product-row").getByRole("link", { name }).click();
    await page.getByLabel("New price").waitFor();
    await page.getByLabel("New price").fill("27.50");
    await page.getByRole("button", { name: "Change price" }).click();
    await page.getByRole("form", { name: "Price" }).getByRole("status").waitFor();
    await expect.poll(() => page.locator("section > p").first().textContent()).toContain("€27.50");
    await shots.take(page, "admin-product");

    await page.getByRole("link", { name: "Shop", exact: true }).click();
    await search(page, name);
    const card = page.getByTestId("product-card").filter({ hasText: name });
    await expect.poll(() => card.getByTestId("product-price").textContent()).toBe("€27.50");
    await shots.take(page, "storefront-new-price");

    for (const [link, step] of [
      ["Templates", "admin-templates"],
      ["Delivery log", "admin-deliveries"],
      ["Reports", "admin-reports"],
      ["Dead letters", "admin-dead-letters"],
    ] as const) {
      await page.goto("/admin/products");
      await page.getByRole("link", { name: link }).click();
      await page.getByRole("heading", { level: 2 }).waitFor();
      await page.locator("text=Loading").first().waitFor({ state: "detached" });
      expect(await page.getByRole("alert").count()).toBe(0);
      await shots.take(page, step);
    }
  });
});
