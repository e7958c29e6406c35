// Reserves one order line in the warehouse (one Map iteration per line).
interface Line {
  orderId: string;
  item: { sku: string; quantity: number; price: number };
}

export const handler = async (line: Line) => ({
  sku: line.item.sku,
  quantity: line.item.quantity,
  reservationId: `rs-${line.orderId}-${line.item.sku}`,
});
