// The orders domain's types, independent of storage rows and protobuf messages: an order, its lines, who asks.

/**
 * Where an order is, as stored; see README "Order states". pending and releasing exist only inside a placement
 * that has not finished (never shown to a client); cancelling is a cancel whose stock release is not done yet.
 */
export type OrderStatus = 'pending' | 'releasing' | 'confirmed' | 'cancelling' | 'cancelled';

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface OrderItem extends OrderLine {
  unitPriceCents: number;
}

/** An order a client may see: confirmed or cancelled (a cancel in progress is one), always priced. */
export interface Order {
  id: string;
  status: 'confirmed' | 'cancelled';
  items: OrderItem[];
  totalCents: number;
  currency: string;
  createdAt: Date;
}

/** The user every operation acts for: the verified access token's subject. */
export interface Caller {
  userId: string;
}
