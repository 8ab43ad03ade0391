// Scenario 3: GET /api/orders with a real access token (checked by the gateway and again by orders) against the
// public GET /api/catalog/products of the same platform: what the JWT checks cost once tokens are cached.
import { type BenchContext, PRODUCTS_PATH, type RunningPlatform, throughputOptions } from '../bench-context.js';
import { type ComparisonResult, compare } from '../comparison.js';
import { createUser, placeOrder, productList } from '../platform-client.js';

export interface AuthenticatedReadResult {
  comparison: ComparisonResult;
  ordersOfUser: number;
}

/** The user holds a few orders, so the list has a body comparable to the product list, not an empty one. */
export const ORDERS_OF_USER = 3;

export async function measureAuthenticatedRead(
  context: BenchContext,
  platform: RunningPlatform,
): Promise<AuthenticatedReadResult> {
  const user = await createUser(platform.gatewayUrl, `reader-${Date.now()}@bench.example.com`);
  const { items } = await productList(platform.gatewayUrl);
  const product = items.find((item) => item.stock >= ORDERS_OF_USER);
  if (!product) throw new Error('no product with stock for the reader');
  for (let i = 0; i < ORDERS_OF_USER; i++) await placeOrder(platform.gatewayUrl, user, product.id, 1);
  const comparison = await compare(
    { name: 'public products', target: { url: platform.gatewayUrl + PRODUCTS_PATH } },
    [
      {
        name: 'authenticated orders',
        target: { url: `${platform.gatewayUrl}/api/orders`, headers: { authorization: `Bearer ${user.token}` } },
      },
    ],
    throughputOptions(context),
  );
  return { comparison, ordersOfUser: ORDERS_OF_USER };
}
