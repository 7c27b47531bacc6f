import { expect, it } from "vitest";

import { customer, logIn, onNewPage, productName, search, useBrowser } from "./shop";

const browser = useBrowser();

it("a customer logs in, searches, fills the cart, checks out and sees CONFIRMED arrive live", async () => {
  await onNewPage(browser(), "customer-checkout", async (page, shots) => {
    await logIn(page, customer(), shots);
    await shots.take(page, "storefront");

    const name = productName();
    await search(page, name);
    const card = page.getByTestId("product-card").filter({ hasText: name });
    await expect.poll(() => card.count()).toBe(1);
    await shots.take(page, "search");

    await card.getByRole("link").click();
    await page.getByTestId("stock").waitFor();
    await shots.take(page, "product");
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("status").filter({ hasText: "Added" }).waitFor();

    await page.getByRole("link", { name: "Cart", exact: true }).click();
    const line = page.getByTestId("cart-line").filter({ hasText: name });
    await line.waitFor();
    await shots.take(page, "cart");
    await page.getByRole("button", { name: "Place order" }).click();

    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderUrl = page.url();
    // The history is drawn only from the order's event stream: its entries arrived over SSE.
    const history = page.getByTestId("order-history");
    await history.getByText("CONFIRMED").waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator("p").getByTestId("order-status").textContent()).toBe("CONFIRMED");
    const statuses = await history.locator("strong").allTextContents();
    expect(statuses[0]).toBe("PENDING");
    expect(statuses.at(-1)).toBe("CONFIRMED");
    expect(page.url()).toBe(orderUrl); // no reload: the page followed the stream
    await shots.take(page, "order-confirmed");

    await page.getByRole("link", { name: "Orders", exact: true }).click();
    const row = page.getByTestId("order-row").filter({ hasText: orderUrl.split("/").pop()!.slice(0, 8) });
    await row.getByText("CONFIRMED").waitFor();
    await shots.take(page, "order-history");
  });
});

it("a customer logs out: the tab forgets the token and the next login asks the provider again", async () => {
  const who = customer();
  if (who === null) return; // no identity provider: nobody logs in or out
  await onNewPage(browser(), "customer-logout", async (page, shots) => {
    await logIn(page, who, shots);
    const stored = () => page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith("oidc.user:")));
    expect(await stored()).toHaveLength(1);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await shots.take(page, "logged-out");
    expect(await page.getByTestId("user").count()).toBe(0);
    expect(await stored()).toEqual([]);

    // A new login goes through the provider's login form: no session survived the logout.
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator("input[name=password]").waitFor();
    await shots.take(page, "login-again");
  });
});
