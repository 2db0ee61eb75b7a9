// Compiled into the library under test by RealSuite.props: every ordinary method of it is monitored.
[assembly: Instrumentor.MonitorAll(Include = ".*")]
