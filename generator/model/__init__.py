"""Loading and models: YAML -> located sources -> typed, validated models -> the index and its counts."""
