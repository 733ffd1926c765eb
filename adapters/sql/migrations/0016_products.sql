-- Marketplace products. Money is an integer of minor units with its ISO 4217 currency. The catalogue
-- searches a generated tsvector (GIN) and sorts on indexed keys; only approved products are listed.

CREATE TABLE products (
  id                       uuid PRIMARY KEY,
  seller_id                uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title                    text NOT NULL,
  slug                     text NOT NULL UNIQUE,
  description              text NOT NULL,
  category                 text NOT NULL,
  tags                     text[] NOT NULL DEFAULT '{}',
  price                    bigint NOT NULL CHECK (price >= 0),
  currency                 text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  license_activation_limit integer NOT NULL CHECK (license_activation_limit >= 1),
  status                   text NOT NULL CHECK (status IN ('draft', 'pending_review', 'approved', 'rejected', 'archived')),
  rejection_reason         text,
  file_key                 text,
  file_name                text,
  file_size                bigint,
  file_content_type        text,
  rating_average           double precision NOT NULL DEFAULT 0,
  rating_count             integer NOT NULL DEFAULT 0,
  sales_count              integer NOT NULL DEFAULT 0,
  created_at               timestamptz NOT NULL,
  updated_at               timestamptz NOT NULL,
  search                   tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || category || ' ' || description)) STORED
);

CREATE INDEX products_search_idx ON products USING gin (search);
CREATE INDEX products_approved_newest_idx ON products (created_at DESC, id DESC) WHERE status = 'approved';
CREATE INDEX products_approved_price_idx ON products (price, id) WHERE status = 'approved';
CREATE INDEX products_approved_category_idx ON products (category) WHERE status = 'approved';
CREATE INDEX products_seller_idx ON products (seller_id, created_at DESC, id DESC);
CREATE INDEX products_status_idx ON products (status, created_at, id);
