// Validates an order and prices it. Returns the order with `valid`, `reason`, `inStock`, `total`.
interface Item {
  sku: string;
  quantity: number;
  price: number;
}

interface Order {
  orderId?: string;
  customer?: { name?: string; email?: string };
  items?: Item[];
  payment?: { card?: string };
}

// A tiny catalogue: what the warehouse holds.
const STOCK: Record<string, number> = { 'BOOK-1': 100, 'PEN-7': 1000, 'LAMP-3': 20, 'DESK-9': 5 };

export const handler = async (order: Order) => {
  const items = Array.isArray(order.items) ? order.items : [];
  const problems: string[] = [];
  if (typeof order.orderId !== 'string' || order.orderId === '') problems.push('orderId is missing');
  if (typeof order.customer?.email !== 'string' || !order.customer.email.includes('@')) problems.push('customer.email is missing or invalid');
  if (items.length === 0) problems.push('the order has no items');
  for (const [i, item] of items.entries()) {
    if (typeof item.sku !== 'string' || !(item.quantity > 0) || !(item.price >= 0)) problems.push(`item ${i} needs sku, quantity > 0 and price >= 0`);
  }
  if (typeof order.payment?.card !== 'string') problems.push('payment.card is missing');
  const total = Math.round(items.reduce((sum, i) => sum + (i.quantity || 0) * (i.price || 0), 0) * 100) / 100;
  const inStock = items.every((i) => (STOCK[i.sku] ?? 0) >= i.quantity);
  return { ...order, total, inStock, valid: problems.length === 0, reason: problems.join('; ') };
};
