// Charges (or refunds) an order. Card numbers ending in 0000 are declined; `payment.simulate: "transient"`
// makes the first attempt fail with PaymentServiceUnavailable, which the state machine retries.
class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}
class PaymentServiceUnavailable extends Error {
  override name = 'PaymentServiceUnavailable';
}

interface PaymentRequest {
  action?: 'charge' | 'refund';
  orderId: string;
  amount: number;
  payment?: { card?: string; simulate?: string };
  attempt?: number;
  transactionId?: string;
}

export const handler = async (req: PaymentRequest) => {
  if (req.action === 'refund') {
    return { refundId: `rf-${req.orderId}`, transactionId: req.transactionId ?? null, amount: req.amount };
  }
  if (req.payment?.simulate === 'transient' && (req.attempt ?? 0) === 0) {
    throw new PaymentServiceUnavailable('The payment provider did not answer in time');
  }
  const card = req.payment?.card;
  if (card === undefined || card.endsWith('0000')) {
    throw new PaymentDeclined(`Card ending ${card?.slice(-4) ?? '????'} was declined for order ${req.orderId}`);
  }
  return { transactionId: `tx-${req.orderId}-${Date.now().toString(36)}`, amount: req.amount, status: 'CHARGED' };
};
