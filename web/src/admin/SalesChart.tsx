/** Sales per day as an SVG bar chart, one chart per currency. */

import type { SalesSeries } from "../lib/sales_chart";
import { formatMoney } from "../lib/money";

const WIDTH = 720;
const HEIGHT = 220;
const AXIS = 40;

export function SalesChart({ series }: { series: SalesSeries }) {
  const slot = (WIDTH - AXIS) / Math.max(1, series.bars.length);
  const plot = HEIGHT - 30;
  return (
    <figure className="chart">
      <figcaption>
        Revenue per day in {series.currency}: {formatMoney(series.total, series.currency)} in all
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`sales per day in ${series.currency}`} data-testid="sales-chart">
        <line x1={AXIS} y1={plot} x2={WIDTH} y2={plot} className="axis" />
        <text x={AXIS - 4} y={12} textAnchor="end" className="tick">
          {Math.round(series.max)}
        </text>
        <text x={AXIS - 4} y={plot} textAnchor="end" className="tick">
          0
        </text>
        {series.bars.map((bar, i) => {
          const h = bar.height * (plot - 10);
          const x = AXIS + i * slot + slot * 0.15;
          return (
            <g key={bar.day}>
              <rect x={x} y={plot - h} width={slot * 0.7} height={h} className="bar" data-day={bar.day}>
                <title>
                  {bar.day}: {formatMoney(bar.revenue, series.currency)}, {bar.orders} orders
                </title>
              </rect>
              {i % Math.ceil(series.bars.length / 8) === 0 ? (
                <text x={x + slot * 0.35} y={plot + 16} textAnchor="middle" className="tick">
                  {bar.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
