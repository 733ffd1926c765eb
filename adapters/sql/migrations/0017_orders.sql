-- Orders, the payment events already applied (each exactly once: the unique id is written in the
-- transaction of its effect), licenses, and the sellers' ledger (sales and their reversals).

CREATE TABLE orders (
  id            uuid PRIMARY KEY,
  buyer_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  product_id    uuid NOT NULL REFERENCES products (id),
  seller_id     uuid NOT NULL REFERENCES users (id),
  amount        bigint NOT NULL CHECK (amount >= 0),
  currency      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'expired', 'paid', 'refunded')),
  provider      text NOT NULL CHECK (provider IN ('manual', 'stripe')),
  provider_ref  text,
  checkout_url  text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX orders_buyer_idx ON orders (buyer_id, created_at DESC, id DESC);
-- At most one open (pending or paid) order per buyer and product.
CREATE UNIQUE INDEX orders_open_idx ON orders (buyer_id, product_id) WHERE status IN ('pending', 'paid');
CREATE UNIQUE INDEX orders_provider_ref_idx ON orders (provider_ref) WHERE provider_ref IS NOT NULL;

CREATE TABLE payment_events (
  id          text PRIMARY KEY,
  order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE licenses (
  id               uuid PRIMARY KEY,
  order_id         uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id       uuid NOT NULL REFERENCES products (id),
  buyer_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key              text NOT NULL UNIQUE,
  activation_limit integer NOT NULL,
  status           text NOT NULL CHECK (status IN ('active', 'revoked')),
  created_at       timestamptz NOT NULL
);
CREATE INDEX licenses_buyer_idx ON licenses (buyer_id, created_at);

CREATE TABLE ledger_entries (
  id         uuid PRIMARY KEY,
  seller_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  order_id   uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES products (id),
  kind       text NOT NULL CHECK (kind IN ('sale', 'reversal')),
  gross      bigint NOT NULL,
  fee        bigint NOT NULL,
  net        bigint NOT NULL,
  currency   text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX ledger_seller_idx ON ledger_entries (seller_id, created_at);
