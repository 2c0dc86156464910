-- +goose Up
-- Written by `server worker`, one row per order id however often Kafka
-- delivers it (at-least-once): deliveries counts them, so
-- sum(deliveries) - count(*) is the number of redeliveries.
CREATE TABLE orders (
    id                text        PRIMARY KEY,
    sku               text        NOT NULL,
    quantity          integer     NOT NULL CHECK (quantity > 0),
    created_at        timestamptz NOT NULL, -- accepted by the API
    deliveries        integer     NOT NULL DEFAULT 1,
    first_recorded_at timestamptz NOT NULL DEFAULT now(),
    last_delivered_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE orders;
