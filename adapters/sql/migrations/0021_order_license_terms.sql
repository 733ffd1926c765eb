-- The activation limit a buyer's license gets is the product's at the time of purchase, kept on the
-- order: a seller who changes it later changes it for later buyers only, and fulfilling a payment
-- needs no read of the product.

ALTER TABLE orders ADD COLUMN license_activation_limit integer;
UPDATE orders o SET license_activation_limit = p.license_activation_limit FROM products p WHERE p.id = o.product_id;
ALTER TABLE orders ALTER COLUMN license_activation_limit SET NOT NULL;
