import { test as base, expect } from 'lovable-agent-playwright-config/fixture'
import { setup } from 'lovable-agent-playwright-config'

export const test = base.extend<{ signedIn: void }>({
  signedIn: async ({ page }, use) => {
    await page.goto('/auth')
    await page.getByPlaceholder('Email').fill(process.env.TEST_EMAIL!)
    await use()
  },
})

export { expect, setup }
