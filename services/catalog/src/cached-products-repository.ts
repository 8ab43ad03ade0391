// The products repository with its reads served by the product cache: every write it passes on (reserve, confirm,
// release, the sweeper's expiries, seeding) drops the cache once it has finished, committed or not, so the
// catalog's next read after any of its own writes comes from the database, whatever the notification's timing.
import type { ProductCache } from './product-cache.js';
import type { ProductsRepository } from './products.repository.js';
import type { Product } from './products.types.js';

export function withProductCache(repository: ProductsRepository, cache: ProductCache<Product>): ProductsRepository {
  // after the write, whether it committed, rolled back or failed halfway: an unknown outcome is a possible change
  const invalidating =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await write(...args);
      } finally {
        cache.invalidate();
      }
    };
  return {
    list: async () => [...(await cache.list())],
    findById: (id) => cache.get(id),
    seedIfEmpty: invalidating(repository.seedIfEmpty),
    reserve: invalidating(repository.reserve),
    confirm: invalidating(repository.confirm),
    release: invalidating(repository.release),
    expireHolds: invalidating(repository.expireHolds),
  };
}
