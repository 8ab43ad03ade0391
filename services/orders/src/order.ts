// The order as the domain sees it, independent of storage rows and protobuf messages.

/** pending exists only inside a placement (never shown to a client); see README "Order states". */
export type OrderStatus = 'pending' | 'confirmed' | 'cancelled';

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface OrderItem extends OrderLine {
  unitPriceCents: number;
}

/** An order a client may see: confirmed or cancelled, always priced. */
export interface Order {
  id: string;
  status: Exclude<OrderStatus, 'pending'>;
  items: OrderItem[];
  totalCents: number;
  currency: string;
  createdAt: Date;
}

/** The caller every operation acts for: the verified token's subject, and the token to pass on to catalog. */
export interface Caller {
  userId: string;
  token: string;
}
