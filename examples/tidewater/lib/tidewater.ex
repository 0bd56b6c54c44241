defmodule Tidewater do
  @moduledoc """
  Tide tables from harmonic constituents.

  install:start
  ```elixir
  def deps do
    [{:tidewater, "~> 0.4"}]
  end
  ```
  install:end
  """

  @doc "The height of the tide at `station` at `time`, in metres."
  def height(_station, _time), do: 0.0
end
