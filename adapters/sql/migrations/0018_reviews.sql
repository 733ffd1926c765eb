-- Product reviews: one per buyer and product (the unique key is what refuses a second one, even when
-- two requests race). products.rating_average / rating_count are recomputed from this table in the
-- transaction of every review write. A deleted user's reviews go with them; a product is archived,
-- never deleted, so its reviews stay.

CREATE TABLE reviews (
  id          uuid PRIMARY KEY,
  product_id  uuid NOT NULL REFERENCES products (id),
  author_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  text        text NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  UNIQUE (product_id, author_id)
);
-- The public list: a product's reviews, newest first.
CREATE INDEX reviews_product_newest_idx ON reviews (product_id, created_at DESC, id DESC);
