"""What `shop kafka` shows of a Kafka cluster: topics, consumer lag, dead letters."""
