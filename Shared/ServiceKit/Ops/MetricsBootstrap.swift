import Metrics
import Prometheus

/// Installs the Prometheus backend for swift-metrics. Code records with swift-metrics types (`Counter`,
/// `Gauge`, `Timer`) and never touches Prometheus directly, so tests can swap in a test factory.
public enum MetricsBootstrap {
    /// Bootstraps the metrics system once and returns the registry `/metrics` renders.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
